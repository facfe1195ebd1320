import type { ApplicantResponse } from '@/lib/browser/direct-upload/api-client';
import { formatBytes } from '@/lib/format-bytes';

interface Props {
  applicant: ApplicantResponse;
  confirmationPath: string | null;
  file: { name: string; size: number };
  onReset: () => void;
}

export function Confirmation({ applicant, confirmationPath, file, onReset }: Props) {
  return (
    <section className="card confirmation" aria-labelledby="confirmation-title">
      <div className="confirmation-badge" aria-hidden="true">
        ✓
      </div>
      <h2 id="confirmation-title" tabIndex={-1}>
        Thanks, {applicant.first_name} {applicant.last_name}!
      </h2>
      <p>Your application is in. We will write to {applicant.email}.</p>
      <div className="confirmation-file">
        <div>
          <strong>{file.name}</strong>
          <span>{formatBytes(file.size)}</span>
        </div>
        {applicant.resume_url && (
          <a className="button" href={applicant.resume_url} target="_blank" rel="noopener noreferrer">
            View your resume
          </a>
        )}
      </div>
      <p className="hint">For your privacy, the resume link stops working after a few minutes.</p>
      {confirmationPath && (
        <p className="hint">
          Keep <a href={confirmationPath}>this private link to your application</a> to see it again later.
        </p>
      )}
      <button type="button" className="button-secondary" onClick={onReset}>
        Submit another application
      </button>
    </section>
  );
}
