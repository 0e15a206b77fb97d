// A typed client for Podman's libpod REST API (v4) over its unix socket, grouped like the API.

import { ContainersApi } from './containers';
import { PodmanHttp } from './http';
import { ImagesApi } from './images';
import { PodsApi } from './pods';
import { SystemApi } from './system';

export class PodmanClient {
  readonly http: PodmanHttp;
  readonly pods: PodsApi;
  readonly containers: ContainersApi;
  readonly images: ImagesApi;
  readonly system: SystemApi;

  /** `socketPath`: e.g. /run/podman/podman.sock (rootful) or the one `podman system service` was given. */
  constructor(socketPath: string) {
    this.http = new PodmanHttp(socketPath);
    this.pods = new PodsApi(this.http);
    this.containers = new ContainersApi(this.http);
    this.images = new ImagesApi(this.http);
    this.system = new SystemApi(this.http);
  }
}
