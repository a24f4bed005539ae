import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { defaultClient } from './api/client';
import { useApp } from './state/app-store';
import './styles.css';

void useApp.getState().init(defaultClient());

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
