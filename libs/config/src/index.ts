/** Public surface of libs/config. */
