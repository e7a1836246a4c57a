import type { Router } from '../http/router.js';
import type { EmulatorServices } from '../services.js';

/** Metadata API SOAP endpoint (`/services/Soap/m/<version>`). */
export function registerMetadataRoutes(_router: Router, _services: EmulatorServices): void {}
