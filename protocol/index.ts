export * from './check';
export * from './edit-record';
export * from './limits';
export * from './messages';
export * from './image-header';
export * from './image-inspect';
