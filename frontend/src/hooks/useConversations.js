import { useCallback, useEffect, useReducer } from 'react';
import { newId } from '../lib/ids.js';
import { load, save } from '../lib/storage.js';

const KEY = 'mini-reasoner.conversations.v1';
const KEEP = 50; // conversations kept in the browser, newest first
const SAVE_DELAY_MS = 300; // streaming changes the state per token: write at most this often
const TITLE_CHARS = 48;

function emptyConversation() {
  const now = Date.now();
  return { id: newId(), title: '', createdAt: now, updatedAt: now, messages: [] };
}

function isState(value) {
  return (
    value &&
    Array.isArray(value.conversations) &&
    value.conversations.every((c) => c && typeof c.id === 'string' && Array.isArray(c.messages))
  );
}

/** The stored state; an answer that was streaming when the page closed is marked stopped. */
function restore() {
  const stored = load(KEY, null, isState);
  if (!stored || stored.conversations.length === 0) {
    const first = emptyConversation();
    return { conversations: [first], activeId: first.id };
  }
  const conversations = stored.conversations.map((c) => ({
    ...c,
    messages: c.messages.map((m) => (m.status === 'streaming' ? { ...m, status: 'stopped' } : m)),
  }));
  const activeId = conversations.some((c) => c.id === stored.activeId)
    ? stored.activeId
    : conversations[0].id;
  return { conversations, activeId };
}

function titleFrom(text) {
  const line = text.trim().replace(/\s+/g, ' ');
  return line.length > TITLE_CHARS ? `${line.slice(0, TITLE_CHARS - 1)}…` : line;
}

function mapConversation(state, id, change) {
  return {
    ...state,
    conversations: state.conversations.map((c) =>
      c.id === id ? { ...change(c), updatedAt: Date.now() } : c,
    ),
  };
}

function reducer(state, action) {
  switch (action.type) {
    case 'create': {
      const active = state.conversations.find((c) => c.id === state.activeId);
      if (active && active.messages.length === 0) return state;
      const fresh = emptyConversation();
      return {
        conversations: [fresh, ...state.conversations].slice(0, KEEP),
        activeId: fresh.id,
      };
    }
    case 'select':
      return state.conversations.some((c) => c.id === action.id)
        ? { ...state, activeId: action.id }
        : state;
    case 'remove': {
      const rest = state.conversations.filter((c) => c.id !== action.id);
      if (rest.length === 0) {
        const fresh = emptyConversation();
        return { conversations: [fresh], activeId: fresh.id };
      }
      const activeId = state.activeId === action.id ? rest[0].id : state.activeId;
      return { conversations: rest, activeId };
    }
    case 'clear':
      return mapConversation(state, action.id, (c) => ({ ...c, title: '', messages: [] }));
    case 'add':
      return mapConversation(state, action.id, (c) => {
        const firstUser = action.messages.find((m) => m.role === 'user');
        const title = c.title || (firstUser ? titleFrom(firstUser.text) : '');
        return { ...c, title, messages: [...c.messages, ...action.messages] };
      });
    case 'update':
      return mapConversation(state, action.id, (c) => ({
        ...c,
        messages: c.messages.map((m) =>
          m.id === action.messageId
            ? { ...m, ...(typeof action.patch === 'function' ? action.patch(m) : action.patch) }
            : m,
        ),
      }));
    default:
      throw new Error(`unknown action ${action.type}`);
  }
}

/** Several conversations, kept in localStorage across reloads. */
export function useConversations() {
  const [state, dispatch] = useReducer(reducer, undefined, restore);

  // Saved shortly after the last change, or at once if the page goes away first.
  useEffect(() => {
    const flush = () => save(KEY, state);
    const timer = setTimeout(flush, SAVE_DELAY_MS);
    window.addEventListener('pagehide', flush);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('pagehide', flush);
    };
  }, [state]);

  const active = state.conversations.find((c) => c.id === state.activeId);

  return {
    conversations: state.conversations,
    active,
    create: useCallback(() => dispatch({ type: 'create' }), []),
    select: useCallback((id) => dispatch({ type: 'select', id }), []),
    remove: useCallback((id) => dispatch({ type: 'remove', id }), []),
    clear: useCallback((id) => dispatch({ type: 'clear', id }), []),
    addMessages: useCallback((id, messages) => dispatch({ type: 'add', id, messages }), []),
    updateMessage: useCallback(
      (id, messageId, patch) => dispatch({ type: 'update', id, messageId, patch }),
      [],
    ),
  };
}
