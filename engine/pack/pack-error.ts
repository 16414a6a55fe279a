/** An error about a model pack: `field` is the JSON path (e.g. `latent.codes[1].offset`) or file name. */
export class PackError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`pack: ${field}: ${message}`);
    this.name = 'PackError';
    this.field = field;
  }
}
