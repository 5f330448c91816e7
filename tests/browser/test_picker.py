

def test_the_picker_speaks_english_on_an_english_page(journey, live_server, interlocutor):
    type(interlocutor).objects.filter(pk=interlocutor.pk).update(language="en")
    page = journey.page
    page.context.add_cookies(
        [
            session_cookie(interlocutor, live_server.url),
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url},
        ]
    )
    page.goto(live_server.url + reverse("corporations:profile"))
    countries = page.get_by_role("combobox", name="Countries covered")

    expect(countries).to_have_attribute("placeholder", "Type to search")
    expect(page.get_by_role("list", name="Your choices: Countries covered")).to_be_visible()
    expect(page.get_by_role("button", name="Remove Vietnam")).to_be_visible()
    countries.focus()
    page.keyboard.type("zzz")
    expect(page.locator(".picker-empty").first).to_have_text("No results")
    expect(page.get_by_role("status").filter(has_text="No results")).to_have_count(1)
    countries.fill("")
    page.keyboard.type("united")
    expect(page.get_by_role("status").filter(has_text=" results")).to_have_count(1)
