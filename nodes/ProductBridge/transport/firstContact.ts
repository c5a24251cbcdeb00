/**
 * Until ProductBridge has answered once, one call at a time: the first call keeps the others
 * waiting through all its retries, so that a dead or wrong host is found with one item's
 * requests, not with a request from every item in between. Once an answer in ProductBridge's
 * shape has come, every call passes at once (the request window then sets the pace).
 */
export class FirstContactGate {
	private heard = false;

	private holder: { ended: Promise<void>; end: () => void } | undefined;

	/** Waits for this call's turn; the function returned ends the call's hold (call it once it ends). */
	async enter(): Promise<() => void> {
		while (!this.heard && this.holder !== undefined) await this.holder.ended;
		if (this.heard) return () => {};
		let end = () => {};
		const ended = new Promise<void>((resolve) => (end = resolve));
		const holder = { ended, end };
		this.holder = holder;
		return () => this.release(holder);
	}

	/** An answer in ProductBridge's shape came: nobody waits for the first contact any more. */
	heardFromProductBridge(): void {
		this.heard = true;
		if (this.holder !== undefined) this.release(this.holder);
	}

	private release(holder: { end: () => void }): void {
		if (this.holder === holder) this.holder = undefined;
		holder.end();
	}
}
