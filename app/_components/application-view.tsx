'use client';

import { useEffect, useRef, useState } from 'react';
import type { ApplicationResponse } from '@/lib/contract/application';
import { ApiError, fetchApplication, withdrawApplication } from '@/lib/browser/application-client';
import { formatBytes } from '@/lib/format-bytes';

type State =
  | { step: 'loading' }
  | { step: 'failed'; message: string }
  | {
      step: 'shown' | 'confirming' | 'withdrawing';
      application: ApplicationResponse;
      error?: string;
    }
  | { step: 'withdrawn'; already: boolean };

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'UTC',
});

function messageOf(error: unknown): string {
  return error instanceof ApiError ? error.message : 'Something went wrong. Please try again.';
}

/**
 * The applicant's own page: reads the signed token from the fragment (`/applications#<token>`),
 * which the browser never sends to a server, and posts it to read or withdraw the application.
 */
export function ApplicationView() {
  const [state, setState] = useState<State>({ step: 'loading' });
  const token = useRef('');
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    // Read again when only the fragment changes (another link opened in this tab).
    const load = async () => {
      token.current = decodeURIComponent(window.location.hash.slice(1));
      if (!token.current)
        return setState({
          step: 'failed',
          message: 'This link is not complete. Open the link from your confirmation again.',
        });
      try {
        setState({ step: 'shown', application: await fetchApplication(token.current) });
      } catch (error) {
        if (error instanceof ApiError && error.code === 'application_gone')
          setState({ step: 'withdrawn', already: true });
        else setState({ step: 'failed', message: messageOf(error) });
      }
    };
    const reload = () => void load();
    reload();
    window.addEventListener('hashchange', reload);
    return () => window.removeEventListener('hashchange', reload);
  }, []);

  useEffect(() => {
    if (state.step === 'withdrawn') heading.current?.focus();
  }, [state.step]);

  const withdraw = async (application: ApplicationResponse) => {
    setState({ step: 'withdrawing', application });
    try {
      await withdrawApplication(token.current);
      setState({ step: 'withdrawn', already: false });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'application_gone')
        setState({ step: 'withdrawn', already: true });
      else setState({ step: 'shown', application, error: messageOf(error) });
    }
  };

  if (state.step === 'loading')
    return (
      <p className="card" aria-busy="true">
        Loading your application…
      </p>
    );
  if (state.step === 'failed') {
    return (
      <p className="card" role="alert">
        {state.message}
      </p>
    );
  }
  if (state.step === 'withdrawn') {
    return (
      <section className="card confirmation" aria-labelledby="withdrawn-title">
        <h2 id="withdrawn-title" ref={heading} tabIndex={-1}>
          {state.already ? 'This application is already gone' : 'Your application is withdrawn'}
        </h2>
        <p role="status">
          {state.already
            ? 'It was withdrawn or deleted earlier: nothing about it is stored any more.'
            : 'Your details, your resume and everything we derived from it have been deleted.'}
        </p>
      </section>
    );
  }

  const { application } = state;
  return (
    <section className="card confirmation" aria-labelledby="application-title">
      <h2 id="application-title">
        {application.first_name} {application.last_name}
      </h2>
      <p>What we store about your application:</p>
      <dl className="stored-data">
        <dt>Name</dt>
        <dd>
          {application.first_name} {application.last_name}
        </dd>
        <dt>Email</dt>
        <dd>{application.email}</dd>
        <dt>Resume</dt>
        <dd>
          {application.resume
            ? `${application.resume.filename} (${formatBytes(application.resume.byte_size)})`
            : 'none'}
        </dd>
        <dt>Received</dt>
        <dd>{dateFormat.format(new Date(application.created_at))} UTC</dd>
      </dl>
      {application.resume && (
        <p>
          <a
            className="button"
            href={application.resume.url}
            target="_blank"
            rel="noopener noreferrer"
          >
            View your resume
          </a>
        </p>
      )}
      {state.error && (
        <p className="field-error" role="alert">
          {state.error}
        </p>
      )}
      {state.step === 'shown' ? (
        <button
          type="button"
          className="button-secondary"
          onClick={() => setState({ step: 'confirming', application })}
        >
          Withdraw my application
        </button>
      ) : (
        <div role="group" aria-labelledby="withdraw-question" className="withdraw-confirm">
          <p id="withdraw-question">
            <strong>Withdraw and delete everything about this application?</strong> This cannot be
            undone.
          </p>
          <button
            type="button"
            className="button button-danger"
            onClick={() => withdraw(application)}
            disabled={state.step === 'withdrawing'}
          >
            {state.step === 'withdrawing' ? 'Withdrawing…' : 'Yes, withdraw my application'}
          </button>{' '}
          <button
            type="button"
            className="button-secondary"
            onClick={() => setState({ step: 'shown', application })}
            disabled={state.step === 'withdrawing'}
          >
            Keep it
          </button>
        </div>
      )}
    </section>
  );
}
