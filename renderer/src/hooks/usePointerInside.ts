import { useState } from 'react';

/**
 * Whether the pointer is over an element: spread `handlers` on it. A live list holds its rows
 * while the pointer is over it, so the row about to be clicked stays where it was read.
 */
export function usePointerInside(): [boolean, { onPointerEnter: () => void; onPointerLeave: () => void }] {
  const [inside, setInside] = useState(false);
  return [inside, { onPointerEnter: () => setInside(true), onPointerLeave: () => setInside(false) }];
}
