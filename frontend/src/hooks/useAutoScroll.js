import { useCallback, useLayoutEffect, useRef, useState } from 'react';

const NEAR_BOTTOM_PX = 48;

/**
 * Keeps a scrolling container at its bottom while `content` grows, until the user scrolls up;
 * scrolling back down (or `jump()`) follows the stream again.
 */
export function useAutoScroll(ref, content) {
  const pinnedRef = useRef(true);
  const [pinned, setPinned] = useState(true);

  const pin = useCallback((value) => {
    pinnedRef.current = value;
    setPinned(value);
  }, []);

  const onScroll = useCallback(() => {
    const el = ref.current;
    if (el) pin(el.scrollHeight - el.scrollTop - el.clientHeight <= NEAR_BOTTOM_PX);
  }, [ref, pin]);

  // A wheel turned upwards unpins at once, before new tokens could pull the view back down.
  const onWheel = useCallback(
    (event) => {
      if (event.deltaY < 0) pin(false);
    },
    [pin],
  );

  useLayoutEffect(() => {
    const el = ref.current;
    if (el && pinnedRef.current) el.scrollTop = el.scrollHeight;
  }, [ref, content]);

  const jump = useCallback(() => {
    pin(true);
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [ref, pin]);

  return { pinned, onScroll, onWheel, jump };
}
