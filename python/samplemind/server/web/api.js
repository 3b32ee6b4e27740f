// Requests to the server. With --token, the page asks for the token once and keeps it
// in sessionStorage for this tab; it goes in the Authorization header, never in a URL,
// and POST /session turns it into an HttpOnly cookie for <audio> and WebSockets.

const TOKEN_KEY = "samplemind-token";

async function askForToken() {
  const dialog = document.getElementById("token-dialog");
  const input = document.getElementById("token-input");
  input.value = "";
  dialog.showModal();
  await new Promise((resolve) => dialog.addEventListener("close", resolve, { once: true }));
  sessionStorage.setItem(TOKEN_KEY, input.value);
  await fetch("/session", { method: "POST", headers: authorization() });
}

function authorization() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** fetch() with the token; asks for it on a 401 and tries again. */
export async function authorizedFetch(path, options = {}) {
  for (let attempt = 0; ; attempt++) {
    const headers = { ...authorization(), ...(options.headers || {}) };
    const response = await fetch(path, { ...options, headers });
    if (response.status !== 401 || attempt >= 3) return response;
    await askForToken();
  }
}

/** fetch() as JSON (see authorizedFetch); an error answer throws its message. */
export async function api(path, options = {}) {
  const response = await authorizedFetch(path, options);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ? body.error.message : `${response.status}`);
  return body;
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(name, value);
  }
  return search.toString();
}

export function webSocketUrl(path) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}`;
}
