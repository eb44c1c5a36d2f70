import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { AboutNote } from './components/AboutNote.jsx';
import { ChatView } from './components/ChatView.jsx';
import { ExampleChips } from './components/ExampleChips.jsx';
import { PromptBox } from './components/PromptBox.jsx';
import { SettingsPanel } from './components/SettingsPanel.jsx';
import { Sidebar } from './components/Sidebar.jsx';
import { StatusBanner } from './components/StatusBanner.jsx';
import { useChat } from './hooks/useChat.js';
import { useConversations } from './hooks/useConversations.js';
import { useServerStatus } from './hooks/useServerStatus.js';
import { useSettings } from './hooks/useSettings.js';
import { compactNumber } from './lib/format.js';

const WAITING = {
  connecting: 'Connecting to the model…',
  loading: 'The model is loading…',
  training: 'The model is training; you can type when it is ready.',
  failed: 'The model could not start.',
  closed: 'The server is shutting down.',
  unreachable: 'The API cannot be reached.',
};

/** Every prompt sent in this browser, oldest first, without repeats in a row (for ↑). */
function promptHistory(conversations) {
  const prompts = conversations
    .flatMap((c) => c.messages.filter((m) => m.role === 'user'))
    .sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0))
    .map((m) => m.text);
  return prompts.filter((p, i) => p !== prompts[i - 1]);
}

export default function App() {
  const server = useServerStatus();
  const chats = useConversations();
  const settings = useSettings(server.info?.limits);
  const [draft, setDraft] = useState('');
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const promptRef = useRef(null);

  const { active } = chats;
  // A rejected prompt (422) comes back to the box so nothing typed is lost.
  const giveBack = useCallback((prompt) => setDraft((current) => current || prompt), []);
  const chat = useChat({
    conversation: active,
    addMessages: chats.addMessages,
    updateMessage: chats.updateMessage,
    requestOptions: settings.requestOptions,
    onTrouble: server.refresh,
    onRejected: giveBack,
  });

  const ready = server.phase === 'ready';
  const history = useMemo(() => promptHistory(chats.conversations), [chats.conversations]);
  const examples = server.info?.examples;
  const model = server.info?.model;

  const send = useCallback(
    (prompt) => {
      if (chat.send(prompt)) setDraft('');
    },
    [chat],
  );

  const pick = useCallback((prompt) => {
    setDraft(prompt);
    setSidebarOpen(false);
    promptRef.current?.focus();
  }, []);

  // Esc closes the sidebar drawer (phones), else stops the answer being written.
  const { running, stop } = chat;
  useEffect(() => {
    if (!running && !sidebarOpen) return undefined;
    const onKey = (event) => {
      if (event.key !== 'Escape') return;
      if (sidebarOpen) setSidebarOpen(false);
      else stop();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [running, stop, sidebarOpen]);

  const closeSidebarThen = (action) => (arg) => {
    if (running) stop();
    action(arg);
    setSidebarOpen(false);
  };

  return (
    <div className="app" data-sidebar-open={sidebarOpen}>
      <a className="skip-link" href="#prompt-area">
        Skip to the prompt
      </a>
      <Sidebar
        id="sidebar"
        open={sidebarOpen}
        conversations={chats.conversations}
        activeId={active?.id}
        onNew={closeSidebarThen(chats.create)}
        onSelect={closeSidebarThen(chats.select)}
        onRemove={closeSidebarThen(chats.remove)}
      >
        <AboutNote model={model} />
        <SettingsPanel
          values={settings.values}
          limits={settings.limits}
          onChange={settings.change}
          onReset={settings.reset}
        />
      </Sidebar>
      <div className="scrim" onClick={() => setSidebarOpen(false)} aria-hidden="true" />
      <main className="main">
        <header className="topbar">
          <button
            type="button"
            className="icon-button menu-button"
            aria-label="Conversations and settings"
            aria-controls="sidebar"
            aria-expanded={sidebarOpen}
            onClick={() => setSidebarOpen((open) => !open)}
          >
            ☰
          </button>
          <h1>Mini Reasoner</h1>
          {model && (
            <span className="model-pill" title={`checkpoint ${model.checkpoint}`}>
              {compactNumber(model.parameters)} parameters
            </span>
          )}
          <span className={`status-dot status-${server.phase}`} aria-hidden="true" />
          <span className="sr-only">server {server.phase}</span>
          <button
            type="button"
            className="button-quiet clear-button"
            onClick={() => chats.clear(active.id)}
            disabled={!active?.messages.length || Boolean(running)}
          >
            Clear
          </button>
        </header>
        <StatusBanner
          phase={server.phase}
          info={server.info}
          error={server.error}
          onRetry={server.refresh}
        />
        <ChatView
          conversation={active}
          examples={examples}
          onPick={pick}
          canRegenerate={ready && !running}
          onRegenerate={chat.regenerate}
        />
        <div className="composer" id="prompt-area">
          {active?.messages.length > 0 && (
            <ExampleChips examples={examples} onPick={pick} compact />
          )}
          <PromptBox
            ref={promptRef}
            value={draft}
            onChange={setDraft}
            onSend={send}
            onStop={stop}
            running={Boolean(running)}
            disabled={!ready && !running}
            disabledReason={WAITING[server.phase] ?? ''}
            history={history}
            maxChars={settings.limits.max_prompt_chars}
          />
        </div>
      </main>
    </div>
  );
}
