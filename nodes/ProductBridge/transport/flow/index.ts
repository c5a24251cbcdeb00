/** When a request may start: the window, the pace, the pause, first contact; shared per process. */
export { FlowController } from './controller';
export type { Turn, TurnReport } from './controller';
export { flowIdentity } from './registry';
export { forgetAllFlows, sharedFlow } from './shared';
export type { Signal } from './traffic';
export { pause } from './wait';
