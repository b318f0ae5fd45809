import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/ApiProvider';
import { App } from './App';
import { Announcer } from './components/Announcer';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <ApiProvider>
      <Announcer>
        <App />
      </Announcer>
    </ApiProvider>
  </StrictMode>,
);
