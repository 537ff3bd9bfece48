// The console's settings, served beside it as config.json: written by `make run` from the running
// local stack, and by `complaintdesk publish-console` from the deployed stack's outputs.
//
// {
//   "api_url": "https://…/prod",                  the API (its CORS allows exactly this origin)
//   "region": "eu-west-1",
//   "auth": {"mode": "password", "cognito_endpoint": "http://127.0.0.1:5050", "client_id": "…"}
//        or {"mode": "hosted-ui", "domain": "https://….auth.….amazoncognito.com", "client_id": "…",
//            "redirect_uri": "https://console…/", "logout_uri": "https://console…/"}
// }

let loaded = null;

export async function loadConfig() {
  if (loaded) return loaded;
  const response = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  loaded = Object.freeze(await response.json());
  return loaded;
}

// The settings once loadConfig() has resolved (app.js awaits it before anything else runs).
export function config() {
  if (!loaded) throw new Error('config.json is not loaded yet');
  return loaded;
}
