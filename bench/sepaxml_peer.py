#!/usr/bin/env python3
"""Peer for Prelevo's pain.008 writer: the Python library sepaxml 2.7.0
(SepaDD, pain.008.001.02, schema validation off) building and exporting the
same N collections as `cargo bench -p prelevo --bench collection_day`
(same names, IBANs, UMRs, amounts, texts; one due date, FRST), from memory.

Usage: sepaxml_peer.py N [--out FILE]
Prints one JSON line: n, build_s (add_payment loop), export_s, total_s, bytes.
Run it through sepaxml_peer.sh, which makes a throwaway virtualenv.
"""
import argparse
import datetime
import json
import time

NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"]


def bulk_iban(n):
    """The bench's French IBAN for row n (Prelevo's testkit::bulk::bulk_iban):
    the check digits straight from ISO 7064 mod 97 (F=15, R=27)."""
    bban = f"30006{n % 100_000:05}{n:011}{n % 97:02}"
    check = 98 - int(bban + "152700") % 97
    return f"FR{check:02}{bban}"


def collections(n):
    due = datetime.date(2026, 12, 2)
    for i in range(1, n + 1):
        signed = datetime.date(2020, 1, 1) + datetime.timedelta(days=i % 2000)
        yield {
            "name": f"Zoé {NAMES[i % len(NAMES)]} {i}",
            "IBAN": bulk_iban(i),
            "amount": 1_000 + i % 99_000,  # cents
            "type": "FRST",
            "collection_date": due,
            "mandate_id": f"RUM-{i:08}",
            "mandate_date": signed,
            "description": f"Abonnement {i:07}",
            "endtoend_id": f"{i:032x}",
        }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("--out")
    args = parser.parse_args()
    from sepaxml import SepaDD

    config = {
        "name": "Bench",
        "IBAN": "FR7630006000011234567890189",
        "BIC": "SOGEFRPP",
        "batch": True,
        "creditor_id": "FR72ZZZ123456",
        "currency": "EUR",
        "instrument": "CORE",
    }
    started = time.perf_counter()
    sepa = SepaDD(config, schema="pain.008.001.02", clean=True)
    for collection in collections(args.n):
        sepa.add_payment(collection)
    built = time.perf_counter()
    xml = sepa.export(validate=False, pretty_print=False)
    exported = time.perf_counter()
    if args.out:
        with open(args.out, "wb") as out:
            out.write(xml)
    print(json.dumps({
        "n": args.n,
        "build_s": round(built - started, 3),
        "export_s": round(exported - built, 3),
        "total_s": round(exported - started, 3),
        "bytes": len(xml),
    }))


if __name__ == "__main__":
    main()
