import 'server-only';
import { getEnv } from '@/lib/env';
import { clientAddress } from '@/lib/http/rate-limit';
import type { auditActors } from '@/db/schema';

/** Who an audit entry says acted, and from where (a client address as the rate limits see it). */
export interface AuditActor {
  actor: (typeof auditActors)[number];
  actorSession: string | null;
  clientAddress: string | null;
}

/** The retention run and other work no person asked for. */
export const systemActor: AuditActor = { actor: 'system', actorSession: null, clientAddress: null };

export function applicantActor(request: Request): AuditActor {
  return {
    actor: 'applicant',
    actorSession: null,
    clientAddress: clientAddress(request, getEnv().TRUSTED_PROXY_HOPS),
  };
}

/** A recruiter, or someone trying to become one (`actorSession` null before signing in). */
export function recruiterActor(request: Request, actorSession: string | null): AuditActor {
  return {
    actor: 'recruiter',
    actorSession,
    clientAddress: clientAddress(request, getEnv().TRUSTED_PROXY_HOPS),
  };
}
