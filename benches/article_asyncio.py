#!/usr/bin/env python3
"""The article's asinc.py, as a yardstick for `mesonero restaurant --model async`.

The article's waiter and cashier, unchanged but for three things: the log
lines are off (as `--format quiet`), the orders are repeated REPEAT times
(as `--repeat`), and every sleep is divided by SPEED (as `--speed`).

    /usr/bin/time -f '%e s %M KB' python3 benches/article_asyncio.py [REPEAT] [SPEED]

defaults: REPEAT 100000, SPEED 100.
"""
import asyncio
import sys
import time
from queue import Queue

REPEAT = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
SPEED = float(sys.argv[2]) if len(sys.argv) > 2 else 100.0


class Waiter:
    PREPARATION_TIME = {"burger": 7.5, "frites": 4, "soda": 1, "beer": 1.2}

    def __init__(self, orders, id):
        self.orders = orders
        self.id = id

    async def request_orders(self):
        coros = list()
        while not self.orders.empty():
            order = self.orders.get()
            coros.append(self.request_order(order))
        await asyncio.gather(*coros)

    async def request_order(self, order):
        coros = [self.request_product(product, order["id"]) for product in order["products"]]
        await asyncio.gather(*coros)
        self.dispatch_order(order)

    async def request_product(self, product, order_id):
        await asyncio.sleep(self.PREPARATION_TIME[product] / SPEED)

    def dispatch_order(self, order):
        pass


class Cashier:
    orders = Queue()

    def __init__(self):
        self.waiter = Waiter(self.orders, 1)

    def receive_orders(self, orders):
        for i, value in enumerate(orders):
            self.orders.put({"id": i, "products": value})
        asyncio.run(self.waiter.request_orders())


def main():
    orders = [
        ("burger", "soda"),
        ("burger", "burger", "beer", "frites"),
        ("beer", "beer", "beer"),
        ("burger", "frites"),
    ] * REPEAT
    started = time.perf_counter()
    Cashier().receive_orders(orders)
    wall = time.perf_counter() - started
    print(f"{len(orders)} orders served in {wall:.2f} s of wall time ({wall * SPEED:.1f} restaurant seconds)")


if __name__ == "__main__":
    main()
