import { createOrderBook } from '../../common/order-book.js';

/**
 * The application's order store (a stand-in for its database), updated by the notify routes.
 * One per server process, like a database client module.
 */
export const orderBook = createOrderBook();
