// How long a password may be: enforced by the server (./password.ts), and shown by the forms that
// set one. No server code here, so client components may import it.

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;
