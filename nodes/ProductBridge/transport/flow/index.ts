/** When a request may start: the window, the pace, the pause, first contact. */
export { FlowController } from './controller';
export type { Turn, TurnReport } from './controller';
export type { Signal } from './traffic';
export { pause } from './wait';
