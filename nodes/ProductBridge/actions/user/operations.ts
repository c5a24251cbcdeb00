// The User resource's operations, one line each; the export name is the operation's value.
export * as delete from './delete.operation';
export * as get from './get.operation';
