import type { UploadState } from '@/lib/browser/direct-upload/direct-upload';

const percentOf = (fraction: number) => Math.round(fraction * 100);

/** The upload's state in words, a progress bar while it runs, and "Try again" after a failure. */
export function UploadProgress({ state, disabled, onRetry }: { state: UploadState; disabled: boolean; onRetry: () => void }) {
  if (state.status === 'idle' || state.status === 'invalid') return null;
  if (state.status === 'ready') {
    return (
      <p className="upload-state is-ready" id="resume-state">
        <span aria-hidden="true">✓ </span>Uploaded, ready to send
      </p>
    );
  }
  if (state.status === 'error') {
    return (
      <div className="upload-state is-error" id="resume-state">
        <p role="alert">Upload failed: {state.message}</p>
        <button type="button" className="button-secondary" id="resume-retry" disabled={disabled} onClick={onRetry}>
          Try again
        </button>
      </div>
    );
  }
  if (state.status === 'offline') {
    return (
      <p className="upload-state is-waiting" id="resume-state">
        You are offline. The upload will continue when you are back online.
      </p>
    );
  }
  const percent = percentOf(state.fraction);
  const words =
    state.status === 'checking'
      ? 'Checking your file…'
      : state.retry
        ? `Connection dropped, retrying (attempt ${state.retry.attempt} of ${state.retry.of})…`
        : 'Uploading…';
  return (
    <div className="upload-state" id="resume-state">
      <div className="progress-label">
        <label htmlFor="resume-progress">{words}</label>
        <span aria-hidden="true">{percent}%</span>
      </div>
      <progress id="resume-progress" max={100} value={percent} aria-valuetext={`${words} ${percent}%`}>
        {percent}%
      </progress>
    </div>
  );
}

/**
 * What the polite live region says: each change of state, and the upload in quarters. A live
 * region speaks whenever its text changes, so the text only changes at those steps.
 */
export function uploadAnnouncement(state: UploadState): string {
  switch (state.status) {
    case 'idle':
    case 'invalid':
    case 'error':
      // Nothing, or an alert the field shows already.
      return '';
    case 'checking':
      return 'Checking your file…';
    case 'offline':
      return 'You are offline. The upload will continue when you are back online.';
    case 'ready':
      return `Your resume ${state.file.name} is uploaded.`;
    case 'uploading': {
      if (state.retry) return `The connection dropped. Retrying the upload (attempt ${state.retry.attempt} of ${state.retry.of})…`;
      // Capped at 75: the next thing to say after that is that it is uploaded.
      const quarter = Math.min(75, Math.floor(state.fraction * 4) * 25);
      return quarter > 0 ? `Uploading your resume: ${quarter}%` : 'Uploading your resume…';
    }
  }
}
