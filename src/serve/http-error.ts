/** A failed request: its HTTP status and the message sent back as `{"error": message}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** 400 Bad Request, the answer to any input that does not fit the protocol or the model. */
export const badRequest = (message: string) => new HttpError(400, message);
