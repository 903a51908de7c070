// The login page: posts {user, password} to /api/login and goes back to where the user was.
const form = document.getElementById('login-form');
const notice = document.getElementById('login-notice');
const params = new URLSearchParams(location.search);

function show(text) {
  notice.textContent = text;
  notice.hidden = false;
}

/** Only a path on this site: never an absolute URL someone slipped into ?next=. */
function nextPage() {
  const next = params.get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

if (params.has('expired')) show('Your session has expired. Please log in again.');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = JSON.stringify({ user: form.user.value, password: form.password.value });
  let response;
  try {
    response = await fetch('/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
  } catch {
    show('The hub cannot be reached. Check the network and try again.');
    return;
  }
  if (response.ok) {
    location.href = nextPage();
    return;
  }
  form.password.value = '';
  form.password.focus();
  if (response.status === 429) show('Too many attempts. Wait a minute, then try again.');
  else if (response.status === 401) show('Wrong user name or password.');
  else show(`Login failed (${response.status}).`);
});
