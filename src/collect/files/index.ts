export { filesCollector } from './collect';
