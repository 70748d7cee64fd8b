// A release feed on loopback for the desktop app's self-update: electron-builder's generic
// provider layout (`latest-linux.yml` / `beta-linux.yml` naming the AppImage with its SHA-512),
// and a real electron-updater AppImageUpdater pointed at it, running in plain Node: its app
// adapter is a temp folder, and its HTTP goes through Node's http instead of Electron's net.
import { createHash } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { createServer, request, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import electronUpdater from 'electron-updater';
import { ElectronHttpExecutor } from 'electron-updater/out/electronHttpExecutor.js';
import type { UpdaterHost } from '../../electron/shell/updates.js';

export const NEW_VERSION = '0.2.0';
const INSTALLER = `Loopgate-${NEW_VERSION}-x86_64.AppImage`;

/** The "new version": an AppImage stand-in that, when the updater runs it after installing, leaves a mark beside itself. */
const installerBytes = (mark: string): Buffer => Buffer.from(`#!/bin/sh\necho "${mark}" > "$(dirname "$0")/ran-after-install"\n`);

export interface UpdateServer {
  url: string;
  /** The paths asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves one release; `tampered`: the installer's bytes are not the ones its metadata's SHA-512 was computed from. */
export async function startUpdateServer(options: { tampered?: boolean } = {}): Promise<UpdateServer> {
  const published = installerBytes(NEW_VERSION);
  const served = options.tampered ? installerBytes('tampered') : published;
  const sha512 = createHash('sha512').update(published).digest('base64');
  const metadata = `version: ${NEW_VERSION}\nfiles:\n  - url: ${INSTALLER}\n    sha512: ${sha512}\n    size: ${published.length}\npath: ${INSTALLER}\nsha512: ${sha512}\nreleaseDate: '2026-12-01T00:00:00.000Z'\n`;
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    if (path.endsWith('.yml')) res.writeHead(200, { 'content-type': 'text/yaml' }).end(metadata);
    else if (path === `/${INSTALLER}`) res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': served.length }).end(served);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** electron-updater's executor with Node's http under it (Electron's net is not here); its download and SHA-512 check are the real ones. */
class NodeHttpExecutor extends ElectronHttpExecutor {
  override createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ReturnType<ElectronHttpExecutor['createRequest']> {
    // Node's ClientRequest has every method the executor calls on Electron's (on, write, end, abort).
    const made: ClientRequest = request(options, callback);
    return made as unknown as ReturnType<ElectronHttpExecutor['createRequest']>;
  }
}

/**
 * A real AppImageUpdater for the app installed as `<dir>/Loopgate-0.1.0.AppImage` (what the
 * `APPIMAGE` variable names, as AppImage's runtime sets it), fed from `feedUrl`.
 */
export function appImageUpdater(dir: string, feedUrl: string): UpdaterHost & { appImage: string } {
  const appImage = join(dir, 'Loopgate-0.1.0.AppImage');
  writeFileSync(appImage, '#!/bin/sh\nexit 0\n');
  chmodSync(appImage, 0o755);
  const configPath = join(dir, 'app-update.yml');
  writeFileSync(configPath, `provider: generic\nurl: ${feedUrl}\nupdaterCacheDirName: loopgate-updater\n`);
  process.env.APPIMAGE = appImage;
  const adapter = {
    version: '0.1.0',
    name: 'Loopgate',
    isPackaged: true,
    appUpdateConfigPath: configPath,
    userDataPath: join(dir, 'user-data'),
    baseCachePath: join(dir, 'cache'),
    whenReady: () => Promise.resolve(),
    relaunch: () => undefined,
    quit: () => undefined,
    onQuit: () => undefined,
  };
  const updater = new electronUpdater.AppImageUpdater(null, adapter);
  Object.assign(updater, { httpExecutor: new NodeHttpExecutor() });
  // The stand-in AppImage has no embedded block map to diff against.
  updater.disableDifferentialDownload = true;
  return { updater, appImage, install: (restart) => updater.install(true, restart) };
}
