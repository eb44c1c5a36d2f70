/** The conversations kept in this browser, plus whatever the app puts below (note, settings). */
export function Sidebar({
  id,
  open,
  conversations,
  activeId,
  onNew,
  onSelect,
  onRemove,
  children,
}) {
  return (
    <aside id={id} className="sidebar" data-open={open}>
      <button type="button" className="button-primary new-chat" onClick={onNew}>
        + New chat
      </button>
      <nav aria-label="Conversations">
        <ul className="conversations">
          {conversations.map((c) => {
            const title = c.title || 'New conversation';
            return (
              <li key={c.id} className={c.id === activeId ? 'active' : undefined}>
                <button
                  type="button"
                  className="conversation"
                  aria-current={c.id === activeId ? 'page' : undefined}
                  onClick={() => onSelect(c.id)}
                >
                  {title}
                </button>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Delete conversation: ${title}`}
                  title="Delete conversation"
                  onClick={() => onRemove(c.id)}
                >
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      </nav>
      {children}
    </aside>
  );
}
