import pytest

pytestmark = pytest.mark.django_db


def test_member_factory_makes_verified_members(member, unverified_member):
    assert member.is_verified
    assert not unverified_member.is_verified
