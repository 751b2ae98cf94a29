// Types for the part of the vendored socket.io-client that web/js/signaling.js uses, so
// that `tsc` (make check) reads these instead of type-checking the minified library.
// Ours, not upstream's: widen them when signaling.js uses more of the client.

export interface ManagerLike {
  reconnection(value: boolean): unknown;
}

export interface Socket {
  readonly connected: boolean;
  readonly io: ManagerLike;
  connect(): Socket;
  disconnect(): Socket;
  on(event: string, handler: (...args: any[]) => void): Socket;
  once(event: string, handler: (...args: any[]) => void): Socket;
  off(event: string, handler?: (...args: any[]) => void): Socket;
  timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<any> };
}

export interface SocketOptions {
  auth?: Record<string, unknown>;
  transports?: string[];
  autoConnect?: boolean;
  reconnection?: boolean;
  reconnectionDelay?: number;
  reconnectionDelayMax?: number;
  [option: string]: unknown;
}

export function io(uri: string, options?: SocketOptions): Socket;
