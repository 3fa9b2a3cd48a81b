// Form helpers shared by the in-process tests and the HTTP flow driver: form bodies, and the hidden fields of the
// reference proxy's consent page.

export function form(fields: Record<string, string | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) params.append(k, v);
  return params;
}

/** The hidden fields of the consent form. */
export function consentFields(html: string): { authorization_id: string; csrf_token: string } {
  const id = /name="authorization_id" value="([^"]+)"/.exec(html)?.[1];
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];
  if (!id || !csrf) throw new Error(`no consent form in page:\n${html}`);
  return { authorization_id: id, csrf_token: csrf };
}
