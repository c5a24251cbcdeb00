// A Node program's config, not a community node's: see ../eslint.node-programs.mjs.
export { default } from '../eslint.node-programs.mjs';
