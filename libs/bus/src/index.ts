/** Public surface of libs/bus. */
