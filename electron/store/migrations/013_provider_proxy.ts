// Schema version 13: a provider's proxy (issue 29): a proxy URL (http://, socks5://), `direct`,
// or NULL to follow HTTPS_PROXY / NO_PROXY, as every provider did before.
export const migration013 = {
  version: 13,
  name: 'provider_proxy',
  sql: `
ALTER TABLE providers ADD COLUMN proxy TEXT;
`,
};
