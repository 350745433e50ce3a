"""Spatial tier and spatial risk multiplier (SRM) of a bank relative to the development site."""

from __future__ import annotations

from dataclasses import dataclass

from ..catalogue import Ledger
from ..config import RulesConfig
from ..geography import Geography
from ..reference import Bank, Tier

TIER_RANK: dict[Tier, int] = {Tier.LOCAL: 0, Tier.ADJACENT: 1, Tier.FAR: 2}


@dataclass(frozen=True, slots=True)
class Site:
    """The development site: LPA code, NCA number and, for watercourses, the WFD WBID."""

    lpa_code: str
    nca_number: int
    waterbody_id: str | None = None


@dataclass(frozen=True, slots=True)
class TierResult:
    """A bank's tier for one ledger; `missing_waterbody` marks the conservative far fallback."""

    tier: Tier
    missing_waterbody: bool = False


def srm(tier: Tier, config: RulesConfig) -> float:
    """Return the statutory spatial risk multiplier of a tier (1, 0.75 or 0.5 by default)."""
    return {
        Tier.LOCAL: config.srm_local,
        Tier.ADJACENT: config.srm_adjacent,
        Tier.FAR: config.srm_far,
    }[tier]


def stock_per_unit(tier: Tier, config: RulesConfig) -> float:
    """Return the bank stock units drawn per unit of demand met at this tier (1 / SRM)."""
    return 1.0 / srm(tier, config)


def area_tier(bank: Bank, site: Site, geography: Geography) -> Tier:
    """Return the area and hedgerow tier: the closer of the LPA axis and the NCA axis."""
    if bank.lpa_code == site.lpa_code or bank.nca_number == site.nca_number:
        return Tier.LOCAL
    lpa_neighbours = geography.lpa_neighbours.get(site.lpa_code, frozenset())
    nca_neighbours = geography.nca_neighbours.get(site.nca_number, frozenset())
    if bank.lpa_code in lpa_neighbours or bank.nca_number in nca_neighbours:
        return Tier.ADJACENT
    return Tier.FAR


def watercourse_tier(bank: Bank, site: Site, geography: Geography) -> TierResult:
    """Return the watercourse tier: same waterbody catchment local, same operational
    catchment adjacent, else far. A missing or unknown WBID on either side gives far, so
    the quote never under-delivers, and the result is marked for a warning."""
    site_body = geography.waterbodies.get(site.waterbody_id or "")
    bank_body = geography.waterbodies.get((bank.waterbody_id or "").strip().upper())
    if site_body is None or bank_body is None:
        return TierResult(Tier.FAR, missing_waterbody=True)
    if site_body.wbid == bank_body.wbid:
        return TierResult(Tier.LOCAL)
    if site_body.operational_catchment == bank_body.operational_catchment:
        return TierResult(Tier.ADJACENT)
    return TierResult(Tier.FAR)


def bank_tier(bank: Bank, ledger: Ledger, site: Site, geography: Geography) -> TierResult:
    """Return the tier of `bank` for demand of `ledger` at `site`."""
    if ledger is Ledger.WATERCOURSE:
        return watercourse_tier(bank, site, geography)
    return TierResult(area_tier(bank, site, geography))
