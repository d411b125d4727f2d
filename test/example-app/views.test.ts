import { expect } from 'chai';
import { html } from '../../example-app/src/views/html';
import { errorPage } from '../../example-app/src/views/error';
import { profilePage } from '../../example-app/src/views/profile';

describe('example app views', () => {
  it('escapes every interpolated value', () => {
    const evil = `<script>alert("x")</script>' \``;
    expect(html`<p title="${evil}">${evil}</p>`.value).to.equal(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &#96;">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &#96;</p>',
    );
  });

  it('nests templates without escaping them twice, and joins arrays', () => {
    const items = ['a&b', 'c'].map((x) => html`<li>${x}</li>`);
    // prettier-ignore
    const list = html`<ul>${items}</ul>`;
    expect(list.value).to.equal('<ul><li>a&amp;b</li><li>c</li></ul>');
    expect(html`${null}${undefined}${false}`.value).to.equal('');
  });

  it('renders contacts and user data escaped on the profile page', () => {
    const page = profilePage({
      demo: false,
      csrfToken: 'tok',
      name: '<b>Dana</b>',
      account: 'demo',
      via: 'oauth',
      contacts: [{ name: '<img src=x onerror=alert(1)>', email: 'a@b.c', tags: ['<i>vip</i>'] }],
      nextCursor: 'c/1&x="',
      paged: false,
    });
    expect(page).to.include('&lt;b&gt;Dana&lt;/b&gt;');
    expect(page).not.to.include('<img src=x');
    expect(page).not.to.include('<i>vip</i>');
    expect(page).to.include('href="/profile?cursor=c%2F1%26x%3D%22"');
  });

  it('shows the error page with its retry link', () => {
    const page = errorPage({ demo: true, title: 'Oops', message: 'Try later', retryURL: '/x' });
    expect(page).to.include('<h1>Oops</h1>');
    expect(page).to.include('href="/x"');
    expect(page).to.include('Demo mode');
  });
});
