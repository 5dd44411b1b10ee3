import type { Queryable } from '../store/db.js';
import { getDefaultVim } from '../store/vims.js';
import { unprocessable } from './errors.js';
import type { PlacementHook } from './ports.js';

/** Without a homing engine, an instantiation that names no VIM goes to the default local VIM. */
export function defaultVimPlacement(db: Queryable): PlacementHook {
  return {
    async choose() {
      const vim = await getDefaultVim(db);
      if (!vim) throw unprocessable('No VIM was named and there is no default VIM.', 'NO_VIM');
      return { vimId: vim.id, explanation: { method: 'default-vim', vimId: vim.id } };
    },
  };
}
