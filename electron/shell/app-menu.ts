// The application menu. Packaged builds have no DevTools entry (and no accelerator for it); on
// Windows and Linux they have no menu bar at all, as the window needs none.
import type { MenuItemTemplate } from './electron-surface.js';

export function appMenuTemplate(platform: NodeJS.Platform, packaged: boolean): MenuItemTemplate[] | null {
  const developer: MenuItemTemplate[] = packaged ? [] : [{ role: 'toggleDevTools' }];
  if (platform === 'darwin') {
    // macOS needs the Edit menu for copy and paste shortcuts in text fields.
    return [
      { role: 'appMenu' },
      { role: 'editMenu' },
      {
        label: 'View',
        submenu: [{ role: 'reload' }, ...developer, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
      },
      { role: 'windowMenu' },
    ];
  }
  return packaged ? null : [{ label: 'View', submenu: [{ role: 'reload' }, { role: 'forceReload' }, ...developer] }];
}
