// Schema version 17: a provider's proxy (issue 29): a proxy URL (http://, socks5://), `direct`,
// or NULL to follow HTTPS_PROXY / NO_PROXY, as every provider did before.
export const migration017 = {
  version: 17,
  name: 'provider_proxy',
  sql: `
ALTER TABLE providers ADD COLUMN proxy TEXT;
`,
};
