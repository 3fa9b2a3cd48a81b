// Reading a body without letting its sender decide how much memory it takes: the declared length is checked first,
// then the bytes are counted as they arrive and the stream is cancelled at the limit. Used for requests (forms,
// registrations, gateway bodies) and for the upstream IdP's answers alike.

/**
 * All bytes of `body`, or `tooLarge()` thrown as soon as more than `limit` bytes are declared or have arrived.
 * @param declaredLength the Content-Length header, if any (checked before reading anything).
 */
export async function readBounded(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  tooLarge: () => Error,
  declaredLength?: string | null,
): Promise<Uint8Array> {
  const declared = Number(declaredLength ?? '0');
  if (Number.isFinite(declared) && declared > limit) {
    void body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * The body of a request, bounded. A declared Content-Length is what Node's HTTP parser delivers, byte for byte, so
 * such a body (within the limit) is taken in one call: the node-server adapter then reads the socket directly instead
 * of building a web stream. Others are counted as they arrive. The size is checked again after reading, for requests
 * built in-process whose header need not match their body.
 */
export async function readRequestBody(request: Request, limit: number, tooLarge: () => Error): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  // Undeclared or over the limit: readBounded counts the bytes, or refuses the declared length before reading.
  if (declared === null || !/^\d+$/.test(declared) || Number(declared) > limit) {
    return readBounded(request.body, limit, tooLarge, declared);
  }
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > limit) throw tooLarge();
  return bytes;
}
