/** ScimDesk's version: package.json's, the one place it is written. */
import packageJson from '../../package.json';

export const APP_VERSION: string = packageJson.version;
