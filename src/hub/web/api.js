// Talking to the hub: JSON with the session cookie, the CSRF token on every POST, and a trip to
// the login page whenever the session is missing or expired.
let csrfToken = '';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function toLogin() {
  const next = encodeURIComponent(location.pathname + location.hash);
  location.href = `/login.html?expired=1&next=${next}`;
}

async function handle(response) {
  if (response.status === 401) {
    toLogin();
    throw new ApiError(401, 'Your session has expired.');
  }
  const text = await response.text();
  const body = text ? JSON.parse(text) : {};
  if (!response.ok && response.status !== 504)
    throw new ApiError(response.status, body.error ?? `HTTP ${response.status}`);
  return body;
}

export async function loadSession() {
  const session = await handle(await fetch('/api/session'));
  csrfToken = session.csrfToken;
  return session;
}

export async function getJson(path) {
  return handle(await fetch(path));
}

export async function postJson(path, body = {}) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
    body: JSON.stringify(body),
  });
  return handle(response);
}

export async function logout() {
  await postJson('/api/logout').catch(() => undefined);
  location.href = '/login.html';
}
