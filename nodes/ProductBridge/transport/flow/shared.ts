import { FlowController } from './controller';
import { FlowRegistry } from './registry';

/** Enough for every credential a busy instance uses at once; each entry is a few hundred bytes. */
const MAX_CONTROLLERS = 100;
/** Longer than any pause a server may ask for within the longest Max Wait for Rate Limits. */
const FORGET_AFTER_IDLE_MS = 60 * 60_000;

const controllers = new FlowRegistry<FlowController>(
	{ maxEntries: MAX_CONTROLLERS, idleMs: FORGET_AFTER_IDLE_MS },
	() => performance.now(),
	(controller) => controller.lastActive(),
);

/**
 * The controller every run in this n8n process shares for one API and key (see `flowIdentity`),
 * made on first use and allowed at least `concurrency` requests in flight.
 */
export function sharedFlow(
	identity: string,
	concurrency: number,
	onPaceChange: (requestsPerSecond: number) => void,
): FlowController {
	const controller = controllers.get(identity, () => new FlowController(concurrency, onPaceChange));
	controller.allow(concurrency);
	return controller;
}

/** Forgets every controller of this process. For tests only: node code never calls it. */
export function forgetAllFlows(): void {
	controllers.clear();
}
