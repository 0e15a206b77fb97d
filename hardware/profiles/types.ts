// What Flotilla knows about a kind of board: how to recognise it and what it brings.

/** A device class a board can expose to pods, advertised as the extended resource `flotilla.io/<name>`. */
export type DeviceClass = 'gpio' | 'i2c' | 'spi' | 'camera' | 'serial';

export interface BoardProfile {
  /** Stable id, used as the node label flotilla.io/board ("rpi-4", "generic-arm64"). */
  id: string;
  /** Human name ("Raspberry Pi 4 Model B"). */
  name: string;
  /** Kubernetes architecture this board runs (kubernetes.io/arch). */
  arch: 'arm64' | 'arm' | 'amd64';
  /**
   * True when the device-tree/DMI model string names this board. Generic profiles match nothing
   * and are chosen by architecture instead.
   */
  matches(model: string): boolean;
  /** Memory kept back from pods for the OS and the agent (bytes): allocatable = capacity − this. */
  systemReservedMemoryBytes: number;
  /** Whether /sys reports throttling/undervoltage (Raspberry Pi firmware). */
  reportsThrottling: boolean;
}
