import { pause } from './retryPolicy';

/** Holds every request back while the server has asked the node to slow down. */
export class PauseGate {
	private resumeAt = 0;

	pauseFor(ms: number): void {
		this.resumeAt = Math.max(this.resumeAt, Date.now() + ms);
	}

	async wait(stop: () => boolean): Promise<void> {
		for (let delay = this.resumeAt - Date.now(); delay > 0 && !stop(); ) {
			await pause(delay, stop);
			delay = this.resumeAt - Date.now();
		}
	}
}

/**
 * Lets one call through at a time until an answer proves that the Base URL reaches
 * ProductBridge's API; then everyone. A rejected key or a wrong Base URL costs one request, not a
 * wave. If the first call ends without such an answer (the network failed), the next one tries.
 */
export class FirstContact {
	private opened = false;

	private probe: Promise<void> | undefined;

	/** Waits for this call's turn; returns what to call when the call is over. */
	async enter(): Promise<() => void> {
		while (!this.opened) {
			if (this.probe === undefined) {
				let finish = () => {};
				this.probe = new Promise<void>((resolve) => (finish = resolve));
				return () => {
					this.probe = undefined;
					finish();
				};
			}
			await this.probe;
		}
		return () => {};
	}

	open(): void {
		this.opened = true;
	}
}
