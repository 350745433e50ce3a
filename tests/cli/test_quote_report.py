"""Text output of the `quote` command: money rounded half up and the SUO client view."""

from __future__ import annotations

from pathlib import Path

SITE = ("--lpa", "E60000016", "--nca", "61")
# L1 sells hedgerow at 15,000; 0.125 % off gives 15,000 x 0.99875 = 14,981.25 per unit and
# 0.5 x 14,981.25 = 7,490.625 for the line, a half penny.
HALF_PENNY = ("--habitat", "Native hedgerow=0.5", "--discount", "percentage:0.125")


def totals_value(out: str, label: str) -> str:
    """Return the value printed beside `label` in the full-precision Totals section."""
    section = out[out.index("Totals\n"):out.index("Client view")]
    for line in section.splitlines()[1:]:
        if line.strip().startswith(label):
            return line.split()[-1]
    raise AssertionError(f"no {label!r} line in {section!r}")


def test_money_rounds_half_up(run_cli, tiny_banks: Path) -> None:
    run = run_cli("quote", *SITE, *HALF_PENNY, "--banks", tiny_banks)

    assert run.status == 0
    # Half-even rounding would print 7,490.62.
    assert "  14,981.25  7,490.63\n" in run.out
    assert totals_value(run.out, "Subtotal") == "£7,490.63"
    # 15,000 x 0.00125 x 0.5 = 9.375 off the list price.
    assert totals_value(run.out, "Promoter discount") == "-£9.38"
    # 7,490.625 + 500 = 7,990.625.
    assert totals_value(run.out, "Total") == "£7,990.63"


def test_client_view_shows_suo(run_cli, tiny_banks: Path) -> None:
    run = run_cli("quote", *SITE, *HALF_PENNY, "--suo-surplus", "0.05", "--banks", tiny_banks)

    assert run.status == 0
    # f = 0.5 x 0.05 surplus / 0.5 units supplied = 0.05; 7,490.625 x 0.05 = 374.53125.
    assert totals_value(run.out, "SUO discount") == "-£374.53"
    client = run.out[run.out.index("Client view"):]
    assert "SUO £" in client
    assert "net cost £" in client
    # Unit price 14,981.25 is 299.625 steps of 50, so 15,000. Before SUO 7,490.625 rounds to
    # 7,491; after SUO 7,490.625 - 374.53125 = 7,116.09375 rounds to 7,116; SUO 7,491 - 7,116.
    (row,) = [line for line in client.splitlines() if line.startswith("R1 ")]
    assert row.split()[-4:] == ["15,000", "7,491", "-375", "7,116"]
    assert "  Subtotal                           £7,491\n" in client
    assert "  SUO discount (5.00% of each line)  -£375\n" in client
    assert "  Admin fee                          £500\n" in client
    # 7,116 + 500 = 7,616, and 7,491 - 375 + 500 = 7,616.
    assert "  Total                              £7,616\n" in client


def test_client_view_without_suo_has_no_column(run_cli, tiny_banks: Path) -> None:
    run = run_cli("quote", *SITE, *HALF_PENNY, "--banks", tiny_banks)

    client = run.out[run.out.index("Client view"):]
    assert "SUO" not in client
    # 7,490.625 rounds half up to 7,491; 7,491 + 500 = 7,991.
    (row,) = [line for line in client.splitlines() if line.startswith("R1 ")]
    assert row.split()[-2:] == ["15,000", "7,491"]
    assert "  Total      £7,991\n" in client
