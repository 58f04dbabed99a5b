/**
 * net-snmp binds its agent socket itself and turns port 0 into 161 (`port || 161`). This
 * dgram stand-in makes every socket bind to the port we choose, so 0 means an ephemeral port
 * (tests run agents side by side without racing for a "free" port).
 */
import dgram, { type Socket, type SocketType } from 'node:dgram';

export function dgramBindingTo(port: number): { createSocket(type: SocketType): Socket } {
  return {
    createSocket(type: SocketType): Socket {
      const socket = dgram.createSocket(type);
      const bind = socket.bind.bind(socket) as (port: number, address?: string) => Socket;
      (socket as unknown as { bind: (p: number, a?: string) => Socket }).bind = (_ignored: number, address?: string) => bind(port, address);
      return socket;
    },
  };
}

/** Resolves once the socket listens; rejects with its bind error (address in use …). */
export function listening(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    try {
      socket.address();
      resolve();
      return;
    } catch {
      // not bound yet
    }
    const onError = (error: Error): void => {
      socket.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      socket.off('error', onError);
      resolve();
    };
    socket.once('error', onError);
    socket.once('listening', onListening);
  });
}
