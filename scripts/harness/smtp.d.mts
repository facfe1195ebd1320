// Types of smtp.mjs (plain ESM, so that node scripts and the benchmarks import it too).
export interface SmtpServer {
  port: number;
  /** SMTP_URL for the app. */
  url: string;
  /** The certificate to trust (SMTP_CA_FILE) when started with `tls`; else null. */
  caFile: string | null;
  maildir: string;
  /** The raw messages delivered so far, oldest first. */
  messages(): Buffer[];
  /** Stops the server; `resume()` starts it again on the same port and Maildir. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Stops the server and removes its folder. */
  close(): Promise<void>;
}

export declare function smtpServerAvailable(): boolean;
export declare function startSmtpServer(options?: {
  port?: number;
  tls?: boolean;
  smtputf8?: boolean;
  dir?: string;
}): Promise<SmtpServer>;
