import '@mantine/core/styles.css';
import './app.css';
import { createRoot } from 'react-dom/client';
import { MantineProvider } from '@mantine/core';
import { theme } from './theme';
import { App } from './App';

// The web host's printed URL carries the launch token once and answers with a cookie: drop the
// token from the address bar and the history so it is not shared, bookmarked or logged.
const here = new URL(window.location.href);
if (here.searchParams.has('token')) {
  here.searchParams.delete('token');
  window.history.replaceState(window.history.state, '', here.pathname + here.search + here.hash);
}

createRoot(document.getElementById('root')!).render(
  <MantineProvider theme={theme} defaultColorScheme="dark">
    <App />
  </MantineProvider>,
);
