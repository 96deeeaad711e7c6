import { type Role } from '@vth/protocol';

/** Who a connection or request is, as the server established it (never as the client says). */
export interface Identity {
  /** Owner of the sessions it creates; it sees only its own unless `admin`. */
  userId: string;
  /** `admin` adds the admin API and every user's sessions. */
  role: Role;
  /** How: a bearer token, a signed attach token, or an unauthenticated peer on the loopback interface. */
  via: 'bearer' | 'attach-token' | 'anonymous';
  /** An attach token limited to one session. */
  sessionId?: string;
}

/** Why a request was refused before anything ran. */
export interface AuthRefusal {
  status: 401 | 403;
  code: 'AUTH_FAILED' | 'FORBIDDEN';
  message: string;
}
