export { usePlatform, platformUrl, VIPPS_HOSTS, type UsePlatformOptions } from './testing.js';
