"""Browser tests against a running FinSync360 (scripts/test starts one and sets FINSYNC_E2E_URL)."""
import os
import pathlib
import uuid

import pytest
from playwright.sync_api import sync_playwright

ARTIFACTS = pathlib.Path(__file__).parent / "artifacts"


@pytest.fixture(scope="session")
def base_url():
    url = os.environ.get("FINSYNC_E2E_URL")
    if not url:
        pytest.fail("FINSYNC_E2E_URL is not set: run the browser tests through scripts/test")
    return url.rstrip("/")


@pytest.fixture(scope="session")
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def context(browser, base_url):
    ctx = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800})
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def unique_email(prefix="user"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


def sign_up(page, email, name="Priya Shah", password="correct horse battery"):
    page.goto("/signup")
    page.fill("#f-name", name)
    page.fill("#f-email", email)
    page.fill("#f-password", password)
    page.click("form[action='/signup'] button[type=submit]")
    # The same answer for a new and a taken email: sign in next.
    page.wait_for_url("**/signin?notice=registered")
    page.fill("#f-email", email)
    page.fill("#f-password", password)
    page.click("form[action='/signin'] button[type=submit]")
    page.wait_for_url("**/app")


def create_company(page, name="Shree Ganesh Traders", gstin="27AAPFU0939F1ZV"):
    page.goto("/app/companies/new")
    page.fill("#f-name", name)
    page.fill("#f-gstin", gstin)
    page.select_option("#f-stateCode", "27")
    page.fill("#f-financialYearStart", "2026-04-01")
    page.fill("#f-booksBeginning", "2026-04-01")
    page.click("form[action='/app/companies/new'] button[type=submit]")
    page.wait_for_url("**/app/c/*")
    return page.url.split("/app/c/")[1].split("?")[0]
