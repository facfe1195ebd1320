export function ProgressRow({ id, label, fraction, active }: { id: string; label: string; fraction: number; active: boolean }) {
  const percent = Math.round(fraction * 100);
  return (
    <div className={`progress-row${active ? ' is-active' : ''}`}>
      <div className="progress-label">
        <label htmlFor={id}>{label}</label>
        <span aria-hidden="true">{percent}%</span>
      </div>
      <progress id={id} max={100} value={percent} aria-valuetext={`${label}: ${percent}%`}>
        {percent}%
      </progress>
    </div>
  );
}
